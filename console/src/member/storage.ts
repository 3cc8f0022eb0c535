/**
 * What a member's browser keeps: the token that makes it the same member across visits, the
 * last nickname, and the invite code of each joined group (for the "join again" link).
 * localStorage can be unavailable (private mode, blocked storage): then nothing is kept.
 */
const TOKEN_KEY = 'shequn.webchat.token';
const NICKNAME_KEY = 'shequn.webchat.nickname';
const inviteKey = (groupId: string) => `shequn.webchat.invite.${groupId}`;

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage blocked: the member simply joins again next time.
  }
}

export const memberStorage = {
  token: () => read(TOKEN_KEY),
  setToken: (token: string | null) => write(TOKEN_KEY, token),
  nickname: () => read(NICKNAME_KEY),
  setNickname: (nickname: string) => write(NICKNAME_KEY, nickname),
  inviteCode: (groupId: string) => read(inviteKey(groupId)),
  setInviteCode: (groupId: string, code: string) => write(inviteKey(groupId), code),
};
