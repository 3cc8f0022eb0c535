import { v7 } from 'uuid';

/** Time-ordered ids (UUIDv7): rows sort by creation when ordered by id, on both engines. */
export const newId = (): string => v7();
