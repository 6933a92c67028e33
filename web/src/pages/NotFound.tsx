import { Link } from 'react-router';
import { usePageTitle } from '../title.ts';

export default function NotFound() {
  usePageTitle('Not found');
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is no page at this address. Go to the <Link to="/">dashboard</Link>.
      </p>
    </>
  );
}
