// `npm run bank` runs the Sandbox Bank on its own; `npm run bank -- <command>` runs a command (see cards/ for `simulate`).
import './main';
