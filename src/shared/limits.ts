/** Limits members and operators meet, shared by the server and the console. */
export { MAX_MESSAGE_LENGTH } from '../core/events.ts';
