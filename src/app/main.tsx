import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './index.css';
import { App } from './layout/App';
import { playbackActor, sendPlayback } from './playback/actor';
import { installShortcuts } from './playback/keyboard';
import { startController } from './state/controller';
import { appStore } from './state/store';

startController(appStore, playbackActor);
installShortcuts(sendPlayback);

const root = document.getElementById('root');
if (!root) throw new Error('#root element missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
