// n8n's own formatting (the settings @n8n/node-cli gives new community node projects), so code
// moved between this pack and n8n's tree reads the same. `npm run lint` checks it; `npm run format`
// applies it.
module.exports = {
	useTabs: true,
	tabWidth: 2,
	printWidth: 100,
	singleQuote: true,
	quoteProps: 'as-needed',
	semi: true,
	trailingComma: 'all',
	bracketSpacing: true,
	arrowParens: 'always',
	endOfLine: 'lf',
};
