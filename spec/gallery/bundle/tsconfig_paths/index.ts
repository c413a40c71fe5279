/**
 * Gallery (bundle attack): imports the reference affine by an alias that the submission's own
 * tsconfig.json (`paths`) maps outside its folder.
 */
// @ts-expect-error -- the alias lives only in this folder's tsconfig.json
export { affineForward, affineBackward } from 'ref/affine';
