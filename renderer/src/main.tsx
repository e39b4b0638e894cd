// Entry point: picks the bridge (Electron preload or the local HTTP server) and mounts the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getBridge } from './bridge/index.js';
import { AppProvider } from './state/app.js';
import { App } from './App.js';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <AppProvider bridge={getBridge()}>
        <App />
      </AppProvider>
    </StrictMode>,
  );
}
