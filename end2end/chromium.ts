// Debian's Chromium (Playwright's own download cannot work here) and flags that work as root:
// shared by the config and by the specs that launch a browser of their own (with a name mapped
// to this machine, or the court's own authority trusted).
export const chromiumPath = process.env.CHROME_PATH || '/usr/bin/chromium';
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
