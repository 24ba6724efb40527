/**
 * Where the mini-program's wx.request goes. A county sets this to its own HTTPS server, and adds
 * the same domain under "request legal domains" in the mini-program's admin
 * console: WeChat refuses any other host outside DevTools.
 */
export const config = {
  serverBase: 'https://assist.example.invalid',
};
