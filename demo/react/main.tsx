import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';

// The demo site fills in the API's URL when it serves index.html (it follows PORT).
const apiUrl = document.querySelector<HTMLMetaElement>('meta[name="ngx-chat-api-url"]')?.content ?? 'http://localhost:8000';
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App apiUrl={apiUrl} />
    </StrictMode>,
  );
}
