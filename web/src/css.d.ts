// The style sheets the pages import for their side effect (Vite bundles them): modules with
// nothing to import, which the type-check must know exist.
declare module '*.css';
