export * from './events.ts';
export * from './intents.ts';
export * from './capabilities.ts';
export * from './matcher.ts';
export * from './template.ts';
export * from './rules.ts';
export * from './welcome.ts';
export * from './pool.ts';
