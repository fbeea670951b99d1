// Entry of the UI bundle: applies the theme and language, then mounts the application.
import { mount } from 'svelte';
import './styles/app.css';
import App from './App.svelte';
import { applyTheme } from './lib/theme.svelte.ts';
import { currentLocale } from './lib/i18n/locale.svelte.ts';

applyTheme();
document.documentElement.lang = currentLocale();
mount(App, { target: document.getElementById('app')! });
