import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { App, Splash } from './app';
import { landing } from './router';
import './styles.css';

// The agent console is its own root, loaded only by those who open /console.
const ConsoleApp = lazy(() => import('./console/console.app').then((module) => ({ default: module.ConsoleApp })));
const inConsole = /^\/console(\/|$)/.test(window.location.pathname);
if (!inConsole && !window.location.pathname.startsWith('/app')) window.history.replaceState(null, '', landing());

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      {inConsole ? (
        <Suspense fallback={<Splash />}>
          <ConsoleApp />
        </Suspense>
      ) : (
        <App />
      )}
    </StrictMode>,
  );
}
