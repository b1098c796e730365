// Type of what test/global-setup.ts provides, visible to every file tsconfig.node.json checks
// (test/global-setup.ts declares the same, for readers of that file).
export {};

declare module "vitest" {
  export interface ProvidedContext {
    simUrl: string;
  }
}
