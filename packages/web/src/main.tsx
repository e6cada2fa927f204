import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { landing } from './router';
import './styles.css';

if (!window.location.pathname.startsWith('/app')) window.history.replaceState(null, '', landing());

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
