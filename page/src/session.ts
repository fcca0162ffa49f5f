// What the page keeps for the tab only (sessionStorage: gone when the tab closes, never in
// the URL, never sent anywhere but as request headers to this server): the API key and the
// debug SQL token.
const API_KEY = 'analytics.apiKey';
const DEBUG_TOKEN = 'analytics.debugToken';

const read = (k: string): string => {
  try {
    return sessionStorage.getItem(k) ?? '';
  } catch {
    return '';
  }
};
const write = (k: string, v: string): void => {
  if (v) sessionStorage.setItem(k, v);
  else sessionStorage.removeItem(k);
};

export const apiKey = (): string => read(API_KEY);
export const setApiKey = (v: string): void => write(API_KEY, v.trim());
export const debugToken = (): string => read(DEBUG_TOKEN);
export const setDebugToken = (v: string): void => write(DEBUG_TOKEN, v.trim());
