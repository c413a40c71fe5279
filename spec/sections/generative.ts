import { bce_with_logits } from '../bce_with_logits';
import { chamfer_distance } from '../chamfer_distance';
import { content_loss } from '../content_loss';
import { discriminator_loss } from '../discriminator_loss';
import { dqn_loss } from '../dqn_loss';
import { generator_loss } from '../generator_loss';
import { gram_matrix } from '../gram_matrix';
import { kl_gaussian } from '../kl_gaussian';
import { ls_discriminator_loss } from '../ls_discriminator_loss';
import { ls_generator_loss } from '../ls_generator_loss';
import { nt_xent } from '../nt_xent';
import { section } from '../harness/op';
import { reparameterize } from '../reparameterize';
import { style_loss } from '../style_loss';
import { triplet_loss } from '../triplet_loss';
import { tv_loss } from '../tv_loss';

/** In the order of docs/ops.md. */
export const GENERATIVE = section('Generative, style, self-supervised, misc', [
  bce_with_logits,
  discriminator_loss,
  generator_loss,
  ls_discriminator_loss,
  ls_generator_loss,
  kl_gaussian,
  reparameterize,
  gram_matrix,
  content_loss,
  style_loss,
  tv_loss,
  triplet_loss,
  nt_xent,
  chamfer_distance,
  dqn_loss,
]);
