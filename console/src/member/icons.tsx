/** Small line icons for the member pages (emoji fonts are not everywhere). */
const base = { width: 44, height: 44, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 1.6, strokeLinecap: 'round', strokeLinejoin: 'round', 'aria-hidden': true } as const;

/** A broken link: the invite is not valid. */
export function BrokenLinkIcon() {
  return (
    <svg {...base}>
      <path d="M9.5 14.5 8 16a3.5 3.5 0 0 1-5-5l1.5-1.5" />
      <path d="M14.5 9.5 16 8a3.5 3.5 0 0 1 5 5l-1.5 1.5" />
      <path d="M8 3v2M3 8h2M16 21v-2M21 16h-2" />
    </svg>
  );
}

/** A door: not in this group (yet). */
export function DoorIcon() {
  return (
    <svg {...base}>
      <path d="M4 21h16" />
      <path d="M6 21V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v17" />
      <path d="M14.5 12.5v.01" />
    </svg>
  );
}

/** A chevron back (the header of the private chat). */
export function BackIcon() {
  return (
    <svg {...base} width={24} height={24} strokeWidth={2}>
      <path d="M15 5 8 12l7 7" />
    </svg>
  );
}

/** A no-entry sign: this person may not join. */
export function NoEntryIcon() {
  return (
    <svg {...base}>
      <circle cx="12" cy="12" r="9" />
      <path d="M5.6 5.6l12.8 12.8" />
    </svg>
  );
}
