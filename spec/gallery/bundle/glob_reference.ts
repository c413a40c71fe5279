/**
 * Gallery (bundle attack): a computed import. esbuild turns `'../' + name` into a glob and bundles
 * every file it matches, here all of reference/, without asking a resolver plugin about them.
 */
export const load = (name: string): Promise<unknown> => import('../../../reference/' + name + '.ts');
