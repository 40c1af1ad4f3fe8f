import { render } from 'preact';
import { App } from './App.tsx';
import { connectStream } from './live.ts';
import './styles.css';

connectStream();
render(<App />, document.getElementById('app')!);
