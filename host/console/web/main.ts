/** The web console's entry: renders the app into the page the worker serves at /ui/. */
import { html, render } from 'htm/preact';
import { App } from './app.ts';

const root = document.getElementById('app');
if (root !== null) render(html`<${App} />`, root);
