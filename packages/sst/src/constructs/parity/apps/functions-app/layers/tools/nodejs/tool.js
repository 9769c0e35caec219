module.exports = { tool: () => 'tool' };
