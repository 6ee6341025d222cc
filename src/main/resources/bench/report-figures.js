// The report's figures, drawn again from their numbers (inline, in #figure-data) so that a
// reader can hover a bar or point for its value and switch series and sandboxes on and off.
// Inlined into report.html, which stays one file that opens offline; where scripts do not
// run, the page shows the static PNGs instead.
(function () {
  'use strict';
  const SVG = 'http://www.w3.org/2000/svg';
  const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8C564B', '#555555',
    '#F0E442', '#1F77B4', '#9467BD', '#7F7F7F'];
  const W = 900, H = 460, LEFT = 70, RIGHT = 20, TOP = 20, BOTTOM = 100;

  function el(name, attributes, text) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function format(value) {
    if (value === null || value === undefined) return 'none';
    const abs = Math.abs(value);
    return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toPrecision(3);
  }

  /** A y scale over [0, max], or log10 over [min, max] for a log figure. */
  function yScale(values, log) {
    const finite = values.filter(v => v !== null && (!log || v > 0));
    let min = log ? Math.min(...finite) : 0;
    let max = Math.max(...finite, log ? min * 10 : 1e-9);
    let step = 0;
    if (log) {
      min = Math.pow(10, Math.floor(Math.log10(min)));
      max = Math.pow(10, Math.ceil(Math.log10(max)));
    } else {
      // Round ticks: a step of 1, 2 or 5 times a power of ten, about five of them.
      const rough = max / 5;
      const power = Math.pow(10, Math.floor(Math.log10(rough)));
      step = [1, 2, 5, 10].map(m => m * power).find(candidate => candidate >= rough);
      max = Math.ceil(max / step) * step;
    }
    const f = log ? v => Math.log10(v) : v => v;
    const toY = v => TOP + (H - TOP - BOTTOM) * (1 - (f(v) - f(min)) / (f(max) - f(min) || 1));
    const ticks = [];
    if (log) {
      for (let t = min; t <= max * 1.0001; t *= 10) ticks.push(t);
    } else {
      for (let t = 0; t <= max * 1.0001; t += step) ticks.push(t);
    }
    return { toY, ticks };
  }

  function axes(svg, figure, y) {
    for (const t of y.ticks) {
      svg.append(el('line', { x1: LEFT, x2: W - RIGHT, y1: y.toY(t), y2: y.toY(t), class: 'grid' }));
      svg.append(el('text', { x: LEFT - 6, y: y.toY(t) + 4, 'text-anchor': 'end', class: 'tick' }, format(t)));
    }
    svg.append(el('text', { x: 14, y: TOP + (H - TOP - BOTTOM) / 2, class: 'axis',
      transform: 'rotate(-90 14 ' + (TOP + (H - TOP - BOTTOM) / 2) + ')', 'text-anchor': 'middle' }, figure.yTitle));
    svg.append(el('text', { x: LEFT + (W - LEFT - RIGHT) / 2, y: H - 8, class: 'axis', 'text-anchor': 'middle' },
      figure.xTitle));
  }

  /** A mark that shows its value in the figure's readout while hovered or focused. */
  function hoverable(node, readout, text) {
    node.append(el('title', {}, text));
    node.setAttribute('tabindex', '0');
    const show = () => { readout.textContent = text; };
    node.addEventListener('mouseenter', show);
    node.addEventListener('focus', show);
    return node;
  }

  function drawBars(svg, figure, shown, readout) {
    const categories = figure.categories.filter(c => shown.has('category:' + c));
    const series = figure.series.filter(s => shown.has('series:' + s.name));
    const values = series.flatMap(s => categories.map(c => s.values[figure.categories.indexOf(c)]));
    const y = yScale(values, figure.logY);
    axes(svg, figure, y);
    const band = (W - LEFT - RIGHT) / Math.max(1, categories.length);
    const barWidth = band * 0.8 / Math.max(1, series.length);
    categories.forEach((category, ci) => {
      const x0 = LEFT + band * ci + band * 0.1;
      // Slanted when many, so that long paper target names do not run into each other.
      const slant = categories.length > 4;
      const labelX = LEFT + band * (ci + 0.5), labelY = H - BOTTOM + 16;
      svg.append(el('text', { x: labelX, y: labelY, 'text-anchor': slant ? 'end' : 'middle', class: 'tick',
        transform: slant ? 'rotate(-20 ' + labelX + ' ' + labelY + ')' : '' }, category));
      series.forEach((s, si) => {
        const value = s.values[figure.categories.indexOf(category)];
        if (value === null || (figure.logY && value <= 0)) return;
        const top = y.toY(value);
        const bottom = figure.logY ? H - BOTTOM : y.toY(0);
        const bar = el('rect', { x: x0 + barWidth * si, y: Math.min(top, bottom), width: Math.max(1, barWidth - 2),
          height: Math.abs(bottom - top), fill: COLORS[figure.series.indexOf(s) % COLORS.length], class: 'mark' });
        svg.append(hoverable(bar, readout, s.name + ' · ' + category + ': ' + format(value) + ' ' + figure.unit));
      });
    });
  }

  function drawLines(svg, figure, shown, readout) {
    const series = figure.series.filter(s => shown.has('series:' + s.name));
    const points = series.flatMap(s => s.points);
    const y = yScale(points.map(p => p[1]), figure.logY);
    axes(svg, figure, y);
    const xs = points.map(p => p[0]);
    const minX = Math.min(...xs, 0), maxX = Math.max(...xs, 1);
    const toX = x => LEFT + (W - LEFT - RIGHT) * (x - minX) / (maxX - minX || 1);
    const xLabel = x => (figure.log2X ? String(Math.round(Math.pow(2, x))) : format(x));
    for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
      svg.append(el('text', { x: toX(x), y: H - BOTTOM + 16, 'text-anchor': 'middle', class: 'tick' }, xLabel(x)));
    }
    for (const s of series) {
      const color = COLORS[figure.series.indexOf(s) % COLORS.length];
      const visible = s.points.filter(p => !figure.logY || p[1] > 0);
      svg.append(el('polyline', { points: visible.map(p => toX(p[0]) + ',' + y.toY(p[1])).join(' '), fill: 'none',
        stroke: color, 'stroke-width': 2, 'stroke-dasharray': /paper/i.test(s.name) ? '6 4' : 'none' }));
      for (const p of visible) {
        const dot = el('circle', { cx: toX(p[0]), cy: y.toY(p[1]), r: 5, fill: color, class: 'mark' });
        svg.append(hoverable(dot, readout, s.name + ' · ' + figure.xTitle + ' ' + xLabel(p[0]) + ': ' + format(p[1])
          + ' ' + figure.unit));
      }
    }
  }

  function toggles(figure, shown, redraw) {
    const box = document.createElement('div');
    box.className = 'toggles';
    const groups = [['series', figure.series.map(s => s.name)]];
    if (figure.kind === 'bar') groups.push(['category', figure.categories]);
    for (const [group, names] of groups) {
      const line = document.createElement('div');
      // A line figure's series are its sandboxes (and the paper's targets); a bar figure's, languages or attempts.
      line.append(group === 'category' || figure.kind === 'line' ? 'Sandboxes: ' : 'Series: ');
      names.forEach(name => {
        const label = document.createElement('label');
        const input = document.createElement('input');
        input.type = 'checkbox';
        input.checked = true;
        input.dataset.toggle = group + ':' + name;
        input.addEventListener('change', () => {
          if (input.checked) shown.add(input.dataset.toggle); else shown.delete(input.dataset.toggle);
          redraw();
        });
        label.append(input, ' ' + name);
        line.append(label);
      });
      box.append(line);
    }
    return box;
  }

  function explore(host, figure) {
    const shown = new Set([...figure.series.map(s => 'series:' + s.name),
      ...(figure.categories || []).map(c => 'category:' + c)]);
    const readout = document.createElement('p');
    readout.className = 'readout';
    readout.textContent = 'Hover or focus a ' + (figure.kind === 'bar' ? 'bar' : 'point') + ' for its value.';
    const svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': figure.title });
    const redraw = () => {
      svg.replaceChildren();
      (figure.kind === 'bar' ? drawBars : drawLines)(svg, figure, shown, readout);
    };
    const title = document.createElement('h3');
    title.textContent = figure.title;
    host.append(title, toggles(figure, shown, redraw), svg, readout);
    redraw();
  }

  const figures = JSON.parse(document.getElementById('figure-data').textContent);
  for (const figure of figures) {
    const host = document.querySelector('[data-figure="' + CSS.escape(figure.id) + '"]');
    if (!host) continue;
    explore(host, figure);
    const still = host.parentElement.querySelector('img');
    if (still) still.hidden = true; // The PNG beside it, for papers; linked in the caption.
  }
})();
