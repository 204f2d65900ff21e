/**
 * The interface's icon set: 24 × 24 outlines drawn with one 2-px round stroke and no fill, so
 * every icon shares one style. Each is a list of SVG path data; Icon.svelte draws them.
 */
export const icons = {
  upload: ['M12 16V4', 'M7 9l5-5 5 5', 'M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3'],
  image: ['M4 5h16v14H4z', 'M4 16l5-5 4 4 2-2 5 5', 'M15.5 9.5h.01'],
  play: ['M7 4.5v15l12-7.5z'],
  settings: [
    'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
    'M19 12l2-1-1-3-2.2.3-1.3-1.3.3-2.2-3-1-1 2h-1.6l-1-2-3 1 .3 2.2-1.3 1.3L4 8 3 11l2 1v0l-2 1 1 3 2.2-.3 1.3 1.3-.3 2.2 3 1 1-2h1.6l1 2 3-1-.3-2.2 1.3-1.3 2.2.3 1-3z',
  ],
  code: ['M8 7l-5 5 5 5', 'M16 7l5 5-5 5', 'M14 4l-4 16'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  plus: ['M12 5v14', 'M5 12h14'],
  enlarge: ['M4 10V4h6', 'M20 14v6h-6', 'M4 4l7 7', 'M20 20l-7-7'],
  repair: ['M4 20l7-7', 'M13 5l6 6-4 4-6-6z', 'M14 4l6 6'],
  cut: [
    'M6 7a2 2 0 1 0 0-4 2 2 0 0 0 0 4z',
    'M6 21a2 2 0 1 0 0-4 2 2 0 0 0 0 4z',
    'M8 6l12 12',
    'M8 18L20 6',
  ],
  retouch: [
    'M12 3l1.8 5.2L19 10l-5.2 1.8L12 17l-1.8-5.2L5 10l5.2-1.8z',
    'M19 17l.8 2.2L22 20l-2.2.8L19 23',
  ],
  convert: ['M4 8h13', 'M14 4l4 4-4 4', 'M20 16H7', 'M10 12l-4 4 4 4'],
  history: ['M4 12a8 8 0 1 0 2.3-5.7', 'M4 4v4h4', 'M12 8v4l3 2'],
  sparkle: [
    'M12 4v4',
    'M12 16v4',
    'M4 12h4',
    'M16 12h4',
    'M7 7l2 2',
    'M15 15l2 2',
    'M17 7l-2 2',
    'M9 15l-2 2',
  ],
  up: ['M12 19V5', 'M6 11l6-6 6 6'],
  down: ['M12 5v14', 'M6 13l6 6 6-6'],
  trash: ['M4 7h16', 'M9 7V4h6v3', 'M6 7l1 13h10l1-13'],
  chevron: ['M9 6l6 6-6 6'],
} as const;

export type IconName = keyof typeof icons;
