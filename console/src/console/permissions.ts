// The console hides or disables controls with the server's own permission table; the server still
// answers 403 on its own.
export { allows, type Permission } from '../../../src/shared/permissions.ts';
