/** The two-line explanation of what the reader is looking at. */
import { useEffect, useRef } from 'react';
import { useSession } from '../context';

export function HelpOverlay() {
  const session = useSession();
  const close = () => session.store.setState({ helpOpen: false });
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    button.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && session.store.setState({ helpOpen: false });
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [session]);

  return (
    <div className="overlay" onClick={close}>
      <div className="help-card" role="dialog" aria-modal="true" aria-labelledby="help-title" onClick={(e) => e.stopPropagation()}>
        <h2 id="help-title">What you see</h2>
        <dl className="help-list">
          <dt>Image and seed</dt>
          <dd>What the generator draws from one point of its latent space; the seed picks the point from the prior. Truncation ψ trades variety for typicality: for a style model it pulls w toward the average w (w̄ + ψ(w − w̄)), for a z-space model it scales z (ψ·z). Z, W and W+ are where edits are applied.</dd>
          <dt>Directions and sliders</dt>
          <dd>Each slider moves the latent along one direction of the chosen basis, scaled so equal travel predicts an equal image change (‖φ(x) − φ(x₀)‖ ≈ t·√(vᵀHv)). Local metric: eigenvectors of H = JᵀJ (Wang &amp; Ponce, ICLR 2021); Local Basis: singular vectors of the mapping's Jacobian (Choi et al., ICLR 2022); GANSpace and SeFa are global baselines. Where the model has a probe that reads its data&apos;s factors (shapes: position, scale, rotation, hue, background; faces: head roll, mouth curvature, hair hue, …), each slider is labelled with the factor its direction moves most and that factor&apos;s share of the direction&apos;s squared factor rates (&quot;mouth curvature 71 %&quot;: mostly one factor; a low share: several at once). A model with a layer TF.js cannot differentiate twice (such as nearest-neighbour upsampling) gets its metric by finite differences, and a notice says so.</dd>
          <dt>Pad and layers</dt>
          <dd>The pad drives two sliders at once (a walk in a 2-D subspace). In W+ the edit goes only to the chosen style layers: coarse (4–8 px), middle or fine resolutions.</dd>
          <dt>Spectrum</dt>
          <dd>Eigenvalues of the metric on a log scale with the dimensions holding 99 %…99.999 % of their sum: a few directions do almost all the work. Random directions' α(v) crowd near the mean eigenvalue: the "illusion of isotropy" (Wang &amp; Ponce §4).</dd>
          <dt>Compare</dt>
          <dd>Two or three bases side by side at this image (e.g. local metric, Local Basis, GANSpace): each column the top directions of one basis, each row a walk from −extent to +extent of predicted image change — the same scale in every column — labelled with the factor it moves most when the model has a probe. Below, the |cos| between every pair of directions, and how much of one span the other holds (mean cos² of the principal angles, beside what random spans would share). The bases travel in the link (<code>cmp=</code>).</dd>
          <dt>Montage</dt>
          <dd>Rows are directions, columns equal steps of predicted change (Wang &amp; Ponce Fig. 1); the small plot beside each row compares measured change with the prediction (dashed V).</dd>
          <dt>Curve walk</dt>
          <dd>Iterative Curve-Traversal (Choi et al. Alg. 2) re-computes the Local Basis at every step and follows it; beside it the straight walk along the first step's direction, and both paths in the plane of the first two directions. Either walk can be saved as a WebM video (recorded in the browser, about N/5 seconds).</dd>
          <dt>Atlas sweep</dt>
          <dd>Many latents at once: how alike the metric is from place to place (C^H on the log scale, Wang &amp; Ponce Tab. 4), and for style models how far Local Bases are from each other and from GANSpace/SeFa on the Grassmannian (Choi et al. Fig. 8).</dd>
          <dt>Likelihood</dt>
          <dd>Ramesh &amp; LeCun&apos;s implicit likelihood of the image, ln Q = ln p(z) − ½ ln det M with M the pixel metric floored at ε — as Σ ln max(λ, ε), the paper&apos;s reading, or as ln det(M + εI), on which the estimator converges: the exact value beside their stochastic estimate (Chebyshev + Hutchinson, Algorithm 1), so you see the estimator&apos;s error; and likelihood ascent from the current z, with ln Q, λmin, λmax and the images along the way, by the exact gradient or by Algorithm 1 differentiated (its agreement with the exact one shown). The link carries the ascent: opening it runs the same ascent again. In Z only (W has no known density).</dd>
          <dt>Invert</dt>
          <dd>Puts an image into the model: another seed&apos;s image (the answer is known, so the latent error is shown), a render of the shapes or faces data set, or your own picture (opened or dropped; cropped to the model&apos;s shape, resampled, turned grey or colour as the model needs, with a note saying so). Fashion-MNIST test images are not shipped with the app; the CLI inverts them (<code>atlas invert --dataset-image fashion:INDEX</code>). Wen et al.&apos;s loss — discriminator features, pixels and a norm prior in Z — is minimised by Adam twice from the same starts: in the original coordinates and in the eigenbasis of the averaged metric (Wang &amp; Ponce&apos;s preconditioning); both curves and reconstructions are shown. &quot;Explore from here&quot; makes the result the current latent — a z, or a W or W+ code, which is explored in W and W+ (it has no z; the Local Basis and the curve walk use the mapping at the z whose image is nearest the code) — so the sliders and panels work on it and the link carries it (the picture itself never leaves your machine).</dd>
          <dt>Search</dt>
          <dd>Maximises a score of the image with CMA-ES from the current latent: the model&apos;s probe reading a class (&quot;make it a square&quot;) or a factor up or down (&quot;move it left&quot;), or its discriminator&apos;s score. The whole of Z is searched beside Wang &amp; Ponce&apos;s Hessian CMA-ES, which searches only the top-k eigen-coordinates of the averaged metric with steps ∝ λ^(−1/2.5); both runs grow side by side — best and mean score per generation, the norm of the mean z, and each run&apos;s best image. &quot;Explore the best&quot; makes a run&apos;s best z the current latent.</dd>
          <dt>Steer</dt>
          <dd>Jahanian et al.&apos;s learned walks. Pick an edit — zoom, shift x or y, rotation, brightness — and a walk: linear (z + αw; one w, three for colour) or non-linear (a small network applied step by step, one for each direction). Training runs Adam on batches of 4 prior samples to make G(z + αw) match the edit applied to G(z), counting only the pixels the edit defines — by masked L2, or by the perceptual distance on the discriminator&apos;s features (the paper&apos;s LPIPS); in W (the default for style models, as the paper&apos;s StyleGAN walks) or Z; the seed fixes the start direction and every batch; the loss curve and a strip of five α values update as it learns. The α slider then walks the current image (zoom: the field of view, &lt; 1 zooms in; shifts in pixels; rotation in degrees, counter-clockwise). &quot;Measure limits&quot; walks 64 samples per α across and beyond the trained range and plots the change the images really show — read by image moments and, for shapes, by the probe — against the change asked for (dotted), with the Fréchet distance to the data per α; the table gives where the walk stops following, Δμ at the trained ends beside the data&apos;s spread of that factor, and the unsupervised direction closest to the walk (random is the control). Walks are saved per model in this browser and can be exported and imported as JSON.</dd>
          <dt>Realism</dt>
          <dd>Wen et al.&apos;s realism from the discriminator. Latents live on the sphere of radius √d (P(x) = x·√d/‖x‖; the style models normalise z themselves, the DCGANs do not, so there the sample is first moved onto it). The current sample and 7 prior samples are inverted (ẑ), then each walks the great circle through z and ẑ to a &ldquo;protoimage&rdquo;: a learned step per sample, minimising the batch&apos;s mean discriminator score plus Λ times the mean cosine to z — scored as one batch on purpose, because the minibatch-stddev layer scores a batch of look-alikes low. The improved image is P(σ·proto + (1 − σ)·z) with σ optimised (kept in [0.5, 0.75]) so the score moves to 0, the middle between real and poor samples. The σ slider re-renders that blend at any σ. The walk strip shows z, ẑ and the walk beyond, with each frame&apos;s score (alone) and the probe&apos;s reading. &quot;Compare with truncation&quot; measures, on many samples in the background, the probe&apos;s Fréchet distance to real renders (shapes, faces), the share it reads confidently and the factor spread (generated / real sd) for the baseline, truncation ψ, σ toward the mean protoimage and σ-optimised samples: realism bought with diversity is the trade-off it shows.</dd>
          <dt>Sharing and exports</dt>
          <dd>"Copy link" writes the whole view — model, latent, basis, sliders, panel — into the URL; opening it reproduces the same pixels.</dd>
          <dd>"Tours" starts a guided tour, one per paper: each step sets the view (model, latent, basis, sliders, panel) and says what to look at; the tour and its step are in the link, so a copied link reopens it there.</dd>
          <dd>"Present" switches to presenter mode (also <code>present=1</code> in a link): the controls sidebar hidden, the image and sliders large, every text at least 20 px; ↑/↓ choose a direction, ←/→ move it by a tenth of the range, 0 puts it back, R resets all, Space plays a traversal of the chosen direction back and forth (or, with the Curve walk panel showing a walk, plays and pauses the walk; fewer, slower steps when the system asks for reduced motion), P or Esc leaves. The plots keep their size.</dd>
          <dd>"Export" saves the image (PNG), the current basis as numpy arrays (.npz: directions [k, n], values, rates, reference, and the spectrum when there is one), the directions' numbers and the spectrum as CSV, the basis as JSON with the link that reproduces the view, an atlas sweep&apos;s C^H per pair of positions and its Grassmann curves as CSV, the plots of the panel shown as SVG and PNG (one .zip), and its images — the montage, the curve walk&apos;s two strips, the compared bases&apos; rows — as PNG, each pixel a 4×4 square. <code>atlas basis --npy</code> writes the same arrays from the command line.</dd>
          <dd>"Load directions…" in the Directions panel (or a file dropped on it) brings such a JSON file back — or the output of <code>atlas basis</code> — as the sliders&apos; basis, labelled &quot;Imported&quot; with the file&apos;s name. The file must be of the model shown; its directions are scaled to unit length (signs kept), the view switches to their space (Z or W; W+ uses W directions), and their rates are measured here, at this latent and distance, like any basis&apos;s (<code>atlas basis --from FILE</code> does the same). A link carries them while they have at most 2048 numbers in all; longer ones travel as the file, and their link shows the local metric. A file that cannot be used is named in one sentence and nothing changes.</dd>
        </dl>
        <button ref={button} type="button" className="button primary" onClick={close}>Got it</button>
      </div>
    </div>
  );
}
