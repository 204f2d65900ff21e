// A synthetic portrait drawn with canvas gradients, for the face operations. There is no face
// photo on this machine (nor in any npm package we fetch), and BlazeFace does fire on this
// drawing: face-detect-full 0.85, face-detect-short 0.91 on a 256² single face (its keypoints
// within ~3 px of the drawn eyes), 0.94 / 0.91 on two faces side by side.
//
// `renderFaces` is passed to page.evaluate, so it is self-contained: no imports, no closures.

export interface FaceSceneSpec {
  width: number;
  height: number;
  /** Each face: centre x, centre y, face width, in pixels. */
  faces: [number, number, number][];
  /** Draw a bright detailed patch there too (for the smart-crop test), or not. */
  patch?: { x: number; y: number; width: number; height: number };
}

/** Draws the scene in an OffscreenCanvas and returns its PNG bytes. */
export async function renderFaces(spec: FaceSceneSpec): Promise<number[]> {
  const canvas = new OffscreenCanvas(spec.width, spec.height);
  const ctx = canvas.getContext('2d')!;
  const rgb = (c: number[], k = 1) =>
    `rgb(${c.map((v) => Math.max(0, Math.min(255, Math.round(v * k)))).join(',')})`;
  const bg = ctx.createLinearGradient(0, 0, spec.width, spec.height);
  bg.addColorStop(0, 'rgb(150,170,160)');
  bg.addColorStop(1, 'rgb(100,115,120)');
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, spec.width, spec.height);
  ctx.filter = 'blur(0.8px)';
  for (const [cx, cy, fw] of spec.faces) {
    const fh = fw * 1.3;
    const skin = [224, 172, 140];
    const hair = 'rgb(50,35,25)';
    ctx.fillStyle = rgb(skin, 0.8); // neck
    ctx.fillRect(cx - fw * 0.22, cy + fh * 0.3, fw * 0.44, fh * 0.5);
    ctx.fillStyle = 'rgb(60,80,120)'; // shoulders
    ctx.beginPath();
    ctx.ellipse(cx, cy + fh * 1.05, fw * 0.95, fh * 0.4, 0, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = hair; // hair behind the head
    ctx.beginPath();
    ctx.ellipse(cx, cy - fh * 0.08, fw * 0.56, fh * 0.56, 0, 0, Math.PI * 2);
    ctx.fill();
    for (const s of [-1, 1]) {
      ctx.fillStyle = rgb(skin, 0.78); // ears
      ctx.beginPath();
      ctx.ellipse(cx + s * fw * 0.49, cy + fh * 0.02, fw * 0.08, fh * 0.12, 0, 0, Math.PI * 2);
      ctx.fill();
    }
    const face = ctx.createRadialGradient(
      cx - fw * 0.08,
      cy - fh * 0.05,
      fw * 0.05,
      cx,
      cy,
      fw * 0.62,
    );
    face.addColorStop(0, rgb(skin, 1.08));
    face.addColorStop(0.6, rgb(skin, 0.97));
    face.addColorStop(1, rgb(skin, 0.72));
    ctx.fillStyle = face;
    ctx.beginPath();
    ctx.ellipse(cx, cy, fw * 0.47, fh * 0.5, 0, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = hair; // fringe
    ctx.beginPath();
    ctx.ellipse(cx, cy - fh * 0.42, fw * 0.5, fh * 0.2, 0, 0, Math.PI * 2);
    ctx.fill();
    for (const s of [-1, 1]) {
      const ex = cx + s * fw * 0.19;
      const ey = cy - fh * 0.06;
      const socket = ctx.createRadialGradient(ex, ey, 1, ex, ey, fw * 0.16);
      socket.addColorStop(0, 'rgba(90,50,40,0.35)');
      socket.addColorStop(1, 'rgba(90,50,40,0)');
      ctx.fillStyle = socket;
      ctx.beginPath();
      ctx.arc(ex, ey, fw * 0.16, 0, Math.PI * 2);
      ctx.fill();
      ctx.strokeStyle = 'rgba(45,30,20,0.9)'; // eyebrow
      ctx.lineWidth = fw * 0.035;
      ctx.lineCap = 'round';
      ctx.beginPath();
      ctx.moveTo(ex - s * fw * 0.1, ey - fh * 0.07);
      ctx.quadraticCurveTo(ex, ey - fh * 0.11, ex + s * fw * 0.11, ey - fh * 0.065);
      ctx.stroke();
      ctx.fillStyle = 'rgb(235,230,225)'; // white of the eye
      ctx.beginPath();
      ctx.moveTo(ex - fw * 0.085, ey);
      ctx.quadraticCurveTo(ex, ey - fh * 0.05, ex + fw * 0.085, ey);
      ctx.quadraticCurveTo(ex, ey + fh * 0.04, ex - fw * 0.085, ey);
      ctx.fill();
      const iris = ctx.createRadialGradient(ex, ey, 0, ex, ey, fw * 0.04);
      iris.addColorStop(0, 'rgb(20,15,10)');
      iris.addColorStop(0.45, 'rgb(30,20,15)');
      iris.addColorStop(0.5, 'rgb(110,75,45)');
      iris.addColorStop(1, 'rgb(70,45,30)');
      ctx.fillStyle = iris;
      ctx.beginPath();
      ctx.arc(ex, ey - fh * 0.003, fw * 0.04, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = 'rgba(255,255,255,0.9)'; // catch light
      ctx.beginPath();
      ctx.arc(ex + fw * 0.012, ey - fh * 0.014, fw * 0.009, 0, Math.PI * 2);
      ctx.fill();
      ctx.strokeStyle = 'rgba(30,20,15,0.9)'; // upper lid
      ctx.lineWidth = fw * 0.014;
      ctx.beginPath();
      ctx.moveTo(ex - fw * 0.09, ey + fh * 0.002);
      ctx.quadraticCurveTo(ex, ey - fh * 0.055, ex + fw * 0.09, ey + fh * 0.002);
      ctx.stroke();
    }
    const ny = cy + fh * 0.12; // nose
    const nose = ctx.createLinearGradient(cx - fw * 0.08, 0, cx + fw * 0.08, 0);
    nose.addColorStop(0, 'rgba(120,70,50,0.35)');
    nose.addColorStop(0.5, 'rgba(255,230,210,0.25)');
    nose.addColorStop(1, 'rgba(120,70,50,0.35)');
    ctx.fillStyle = nose;
    ctx.beginPath();
    ctx.moveTo(cx - fw * 0.03, cy - fh * 0.04);
    ctx.lineTo(cx + fw * 0.03, cy - fh * 0.04);
    ctx.lineTo(cx + fw * 0.08, ny);
    ctx.lineTo(cx - fw * 0.08, ny);
    ctx.fill();
    ctx.fillStyle = 'rgba(70,35,25,0.75)';
    for (const s of [-1, 1]) {
      ctx.beginPath();
      ctx.ellipse(cx + s * fw * 0.035, ny + fh * 0.005, fw * 0.022, fh * 0.012, 0, 0, Math.PI * 2);
      ctx.fill();
    }
    const my = cy + fh * 0.27; // mouth
    ctx.fillStyle = 'rgb(170,80,80)';
    ctx.beginPath();
    ctx.moveTo(cx - fw * 0.15, my);
    ctx.quadraticCurveTo(cx, my - fh * 0.045, cx + fw * 0.15, my);
    ctx.quadraticCurveTo(cx, my + fh * 0.06, cx - fw * 0.15, my);
    ctx.fill();
    ctx.strokeStyle = 'rgba(80,30,30,0.9)';
    ctx.lineWidth = fw * 0.012;
    ctx.beginPath();
    ctx.moveTo(cx - fw * 0.15, my);
    ctx.quadraticCurveTo(cx, my + fh * 0.01, cx + fw * 0.15, my);
    ctx.stroke();
  }
  ctx.filter = 'none';
  if (spec.patch) {
    const { x, y, width, height } = spec.patch;
    for (let v = 0; v < height; v += 2) {
      for (let u = 0; u < width; u += 2) {
        ctx.fillStyle = ((u + v) >> 1) % 2 ? 'rgb(255,250,120)' : 'rgb(255,40,200)';
        ctx.fillRect(x + u, y + v, 2, 2);
      }
    }
  }
  // Sensor grain, deterministic.
  const img = ctx.getImageData(0, 0, spec.width, spec.height);
  let seed = 12345;
  for (let i = 0; i < img.data.length; i++) {
    if (i % 4 === 3) continue;
    seed = (seed * 1103515245 + 12345) >>> 0;
    img.data[i] = img.data[i]! + (((seed >>> 16) % 9) - 4);
  }
  ctx.putImageData(img, 0, 0);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return [...new Uint8Array(await blob.arrayBuffer())];
}
