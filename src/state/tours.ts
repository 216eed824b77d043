/**
 * Guided tours (issue 18): short, step-by-step explanations, one per paper, each step a view of the app
 * (a link's settings) and a few sentences about what that view shows. A tour position is a view setting
 * (`tour=ID.STEP` in the link, src/state/url.ts), so a link opens the tour at its step. The steps' views
 * are link text, checked by src/state/tours.test.ts to decode without a notice.
 *
 * Data only (no DOM, no tfjs): the app's Tour card shows it, the URL codec checks positions against it.
 */

export interface TourStep {
  title: string;
  /** What to look at, in a few plain sentences (true to what the view shows on its model). */
  text: string;
  /** The view, as link settings without `v=` (the model, latent, basis and panel it shows). */
  view: string;
}

export interface Tour {
  id: string;
  title: string;
  /** The paper it follows (../shared/papers). */
  paper: string;
  steps: TourStep[];
}

export interface TourPosition {
  id: string;
  /** 1-based step. */
  step: number;
}

const METRIC = 'model=shapes-style&seed=3&basis=metric&dist=mse&k=10';
const DCGAN = 'model=shapes-dcgan&seed=3&basis=metric&dist=mse&k=10';

export const TOURS: readonly Tour[] = [
  {
    id: 'metric', title: 'What is the metric?', paper: 'Wang & Ponce, ICLR 2021',
    steps: [
      { title: 'Sliders are eigenvectors', view: `${METRIC}&panel=spectrum`,
        text: 'The image distance, pulled back to the latent space, is a quadratic form H(z) = JᵀJ at this latent. Each slider moves along one of its eigenvectors, largest eigenvalue λ first. A slider\'s position is the image change it predicts, not a latent step — so every slider works on the same scale.' },
      { title: 'A big direction', view: `${METRIC}&c=0.05&panel=spectrum`,
        text: 'Slider 1 has moved to 0.05: the image changed by about that much (the RMS change of its pixel values). Its λ is the largest, so this took the shortest latent step of any direction: step = change / √λ.' },
      { title: 'A small direction, same change', view: `${METRIC}&c=0,0,0,0,0,0,0,0,0,0.05&panel=spectrum`,
        text: 'Now slider 10 is at 0.05 instead. The image changes by a similar amount, but the latent step behind it is √(λ₁/λ₁₀) times longer — compare the λ values beside the two sliders.' },
      { title: 'Predicted against measured', view: `${METRIC}&panel=montage`,
        text: 'The montage walks each direction from −extent to +extent, in equal steps of predicted change. Beside each row, a small plot sets the change measured on the images against the prediction. Where they part, the quadratic approximation has stopped holding.' },
    ],
  },
  {
    id: 'dead', title: 'Why are most directions dead?', paper: 'Wang & Ponce, ICLR 2021',
    steps: [
      { title: 'A steep spectrum', view: `${DCGAN}&panel=spectrum`,
        text: 'The left plot shows every eigenvalue of H at this latent on a log scale. The dashed lines mark how many directions hold 99 %, 99.9 %, … of their sum. It takes a handful; past them, a latent step barely changes the image.' },
      { title: 'The illusion of isotropy', view: `${DCGAN}&panel=spectrum`,
        text: 'The right plot shows α(v) = vᵀHv / vᵀv for random directions v. Random directions all land near the mean eigenvalue (the analytic law is drawn beside them), so random walks look equally alive in every direction. Only the eigenbasis shows how uneven the space is.' },
      { title: 'The same everywhere?', view: `${DCGAN}&panel=atlas`,
        text: 'The Atlas sweep computes the metric at many latents and correlates them (C^H on log eigenvalues). A high correlation means the same directions matter wherever you stand: the geometry is homogeneous, and one global set of directions serves everywhere.' },
    ],
  },
  {
    id: 'local', title: 'Local Basis vs global directions', paper: 'Choi et al., ICLR 2022',
    steps: [
      { title: 'The Local Basis', view: 'model=shapes-style&seed=3&space=w&basis=local&k=10&panel=spectrum',
        text: 'In W, the Local Basis is the SVD of the mapping network\'s Jacobian at z. Its left singular vectors span the directions w = f(z) can actually move in at this point. The sliders walk them, still scaled by predicted image change.' },
      { title: 'Global directions', view: 'model=shapes-style&seed=3&space=w&basis=ganspace&k=10&panel=spectrum',
        text: 'GANSpace is PCA of many w\'s: one set of directions for every latent. Compare what the first sliders do here with the Local Basis of the previous step, at the same latent.' },
      { title: 'Walking a curve', view: 'model=shapes-style&seed=3&space=w&basis=local&k=10&panel=curve',
        text: 'The curve walk (Choi\'s Algorithm 2) recomputes the Local Basis at every step and follows the direction as it turns. The straight walk along the starting direction is shown beside it, with both paths on the first two directions\' plane.' },
      { title: 'How far apart are the bases?', view: 'model=shapes-style&seed=3&space=w&basis=local&k=10&panel=atlas',
        text: 'The sweep\'s Grassmann study measures geodesic distances between subspaces. It compares the Local Bases of nearby latents with each other, with GANSpace and SeFa, and with random subspaces as the control.' },
    ],
  },
  {
    id: 'likelihood', title: 'Likelihood and its log-det', paper: 'Ramesh & LeCun, 2018',
    steps: [
      { title: 'An implicit density', view: 'model=shapes-dcgan&seed=3&panel=likelihood',
        text: 'A generator pushes the prior p(z) onto images. Up to a constant, the density of an image is ln Q(z) = ln p(z) − ½ ln det M(z), where M = JᵀJ is the metric. The panel computes the log-det exactly from the spectrum and by the paper\'s Algorithm 1 (power method, Chebyshev polynomial, Hutchinson probes), side by side.' },
      { title: 'Climbing the likelihood', view: 'model=shapes-dcgan&seed=3&panel=likelihood',
        text: 'The ascent follows the exact gradient of ln Q from this latent, and its frames show what the model considers most typical. The effective dimension v_eff(τ) counts how many eigenvalues of M stay above τ across prior samples.' },
    ],
  },
  {
    id: 'realism', title: 'Realism vs truncation', paper: 'Wen et al., Diamond in the rough',
    steps: [
      { title: 'Protoimages', view: 'model=faces-style&seed=3&panel=realism',
        text: 'Find the protoimage: this sample and seven others are inverted, then walked along the great circle of the sphere ‖z‖ = √d until the discriminator scores them least real. Protoimages are what the model draws when it fails, so moving a sample away from one should make it look more real.' },
      { title: 'Moving away, part of the way', view: 'model=faces-style&seed=3&panel=realism',
        text: 'The improved image is P(σ·proto + (1 − σ)·z), with σ chosen per sample to bring the discriminator\'s score to a target. The σ slider re-renders the blend live; each image shows the discriminator\'s score alone beside it.' },
      { title: 'Bought with diversity', view: 'model=faces-style&seed=3&psi=0.5&panel=realism',
        text: 'Truncation (here ψ = 0.5) is the usual way to trade variety for realism. Compare with truncation measures both over many samples: the probe\'s Fréchet distance, the share it reads confidently and how much the factors still vary. On our four models neither does better than the plain samples (docs/findings.md §10).' },
    ],
  },
  {
    id: 'steer', title: 'How far can a walk zoom?', paper: 'Jahanian et al., ICLR 2020',
    steps: [
      { title: 'Learning a walk', view: 'model=shapes-dcgan&seed=3&panel=steer',
        text: 'A walk is a direction w trained so that G(z + αw) looks like G(z) zoomed, shifted, rotated or brightened by α. Only the pixels the edit defines count. Pick an edit and train: the loss curve and a strip of α values update as it learns.' },
      { title: 'Where it stops', view: 'model=shapes-dcgan&seed=3&panel=steer',
        text: 'Measure limits: the change the images really show is set against the change asked for. On these procedural data every factor\'s spread is known exactly. A walk stops where the training data stop — here, shapes sit within about ±6 px of the centre.' },
    ],
  },
];

export function tourOf(id: string): Tour | undefined {
  return TOURS.find((t) => t.id === id);
}
