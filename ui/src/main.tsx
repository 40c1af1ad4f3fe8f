import { render } from 'preact';
import { App } from './App.tsx';
import { connectStream } from './live.ts';
import { needsToken, SignIn } from './SignIn.tsx';
import './styles.css';

const root = document.getElementById('app')!;
void needsToken().then((locked) => {
  if (locked) {
    render(<SignIn />, root);
    return;
  }
  connectStream();
  render(<App />, root);
});
