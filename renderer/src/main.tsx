import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { useDesk } from './app/store';
import './i18n';
import './styles.css';

// The desk's state (setup done? who is signed in?) is asked for before React renders anything: the
// answer travels while the first render runs, instead of after it (issue 12: sign-in painted < 1.5 s
// after `npm start`). App reloads it whenever the core restarts or the connection comes back.
void useDesk.getState().load();

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
