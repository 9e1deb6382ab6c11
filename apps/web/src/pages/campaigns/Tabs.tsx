import { Link } from 'wouter';
import '../../ui/subnav.css';

/** The list page's views, addressed by `?view=` (so a view is a URL to share): tabs on a laptop, wrapping on a phone. */
export function Tabs({ label, current, items }: { label: string; current: string; items: ReadonlyArray<{ view: string; label: string; href: string }> }) {
  return (
    <nav aria-label={label} className="subnav">
      {items.map((item) => (
        <Link key={item.view} href={item.href} data-testid={`tab-${item.view}`} aria-current={item.view === current ? 'page' : undefined}>
          {item.label}
        </Link>
      ))}
    </nav>
  );
}
