import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, lineChart, niceStep } from './svg-chart.js';

test('niceStep picks 1, 2 or 5 times a power of ten', () => {
  assert.equal(niceStep(100), 20);
  assert.equal(niceStep(7), 2);
  assert.equal(niceStep(0.3), 0.1);
  assert.equal(niceStep(0), 1);
});

test('an all-zero series gets a 0..1 axis, and every y stays inside the plot', () => {
  const svg = lineChart([{ name: 'stalls', color: '#000', points: [[0, 0], [1, 0], [2, null], [3, 0]] }], { title: 't', yLabel: 'y' });
  for (const m of svg.matchAll(/ (?:y1|y2|cy)="(-?[\d.]+)"/g)) assert.ok(Number(m[1]) >= 0, svg);
  assert.match(svg, /<circle/);
});

test('titles are escaped', () => {
  assert.equal(escapeHtml('<a & "b">'), '&lt;a &amp; &quot;b&quot;&gt;');
  assert.doesNotMatch(lineChart([], { title: '<script>', yLabel: 'y' }), /<script>/);
});
