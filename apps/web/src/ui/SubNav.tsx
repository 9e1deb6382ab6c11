import { Link, useLocation } from 'wouter';
import './subnav.css';

/** The views of a page (inside its nested route): links relative to the page, the current one marked. */
export function SubNav({ label, items }: { label: string; items: ReadonlyArray<{ path: string; label: string; href?: string; testId?: string }> }) {
  const [location] = useLocation();
  return (
    <nav aria-label={label} className="subnav">
      {items.map((item) => (
        <Link key={item.path} href={item.href ?? item.path} data-testid={item.testId} aria-current={location === item.path ? 'page' : undefined}>
          {item.label}
        </Link>
      ))}
    </nav>
  );
}
