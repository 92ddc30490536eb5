// Generates dist/widget/custom-elements.json from the element's JSDoc (@summary, @slot,
// @csspart, @cssproperty, @event) and its Lit `static properties`.
export default {
  globs: ['widget/**/*.ts'],
  exclude: ['widget/{api,chat,controllers,render}/**'],
  outdir: 'dist/widget',
  litelement: true,
  // Leave package.json alone; the manifest's place is documented in the README.
  packagejson: false,
  plugins: [
    {
      // The analyzer also guesses events from `dispatchEvent(new XEvent(arg))` calls, taking the
      // first argument for the name; the @event tags are the documented list, so keep only those.
      name: 'ngx-chat-documented-events-only',
      packageLinkPhase({ customElementsManifest }) {
        for (const module of customElementsManifest.modules) {
          for (const declaration of module.declarations ?? []) {
            if (declaration.events) declaration.events = declaration.events.filter((event) => event.description && event.name?.startsWith('ngx-chat-'));
          }
        }
      },
    },
  ],
};
