import { isoDurationToSeconds } from '../../../lib/iso-duration';

describe('isoDurationToSeconds', () => {
	it.each([
		['P1DT2H3M4S', 93_784],
		['PT45M', 2_700],
		['PT0.5S', 0.5],
		['PT1,5H', 5_400],
		['P2W', 1_209_600],
		['P1W1D', 691_200],
		['PT36H', 129_600],
		['P0D', 0],
		['PT0S', 0],
		['P0Y0M1DT0H0M0S', 86_400],
		['-PT5M', -300],
		['+PT5M', 300],
		['pt2m', 120],
		['PT0.1S', 0.1],
		['PT0.7M', 42],
		[' PT10S ', 10],
	])('%p is %p seconds', (text, seconds) => {
		expect(isoDurationToSeconds(text)).toBe(seconds);
	});

	it('gives 0, not -0, for a negative zero duration', () => {
		expect(Object.is(isoDurationToSeconds('-PT0S'), 0)).toBe(true);
	});

	it.each(['P1Y', 'P1M', 'P1Y2M3D', 'PT1M1Y'])('refuses calendar units in %p', (text) => {
		expect(isoDurationToSeconds(text)).toBeUndefined();
	});

	it.each([
		'',
		'P',
		'PT',
		'P1DT',
		'T1H',
		'1H',
		'PT1H30',
		'PT-5M',
		'P1.5.2D',
		'PT5M4H',
		'P 1D',
		'soon',
	])('rejects %p', (text) => {
		expect(isoDurationToSeconds(text)).toBeUndefined();
	});
});
