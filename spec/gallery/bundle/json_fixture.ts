/**
 * Gallery (bundle attack): imports a case file of the hidden suite (fixtures/, outside the
 * submission's folder) to look answers up instead of computing them.
 */
import cases from '../../../fixtures/reference/affine/edge-1.json';

export const leaked = cases;
