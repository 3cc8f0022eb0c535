/**
 * Pure pieces of the domain the console runs for its live previews (the welcome, menus,
 * invitations), so that a preview is exactly what members will read.
 */
export { menuText, renderTemplate } from '../core/template.ts';
export { choosePoolGroup, INVITE_TEXT } from '../core/pool.ts';
