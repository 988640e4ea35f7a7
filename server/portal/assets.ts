/** The portal's only stylesheet, served from /portal/assets/portal.css (the CSP allows no inline style). */
export const portalCss = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #57606a; --accent: #0b5cad; --error: #b3261e; --ok: #1a7f37; --line: #d0d7de; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9da7b3; --accent: #58a6ff; --error: #ff7b72; --ok: #3fb950; --line: #30363d; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem 1rem; }
.skip:focus { left: 0; z-index: 10; }
header, main, footer { max-width: 46rem; margin: 0 auto; padding: 1rem; }
header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; margin: 0; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 0; padding: 0; align-items: center; }
[aria-current="page"] { font-weight: 700; }
footer { border-top: 1px solid var(--line); color: var(--muted); font-size: .9rem; }
.impersonation { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; justify-content: center; background: #7a1f00; color: #fff; padding: .5rem 1rem; font-weight: 600; }
.impersonation p { margin: 0; }
.field { margin: 1rem 0; }
label, legend { display: block; font-weight: 600; }
input[type=text], input[type=password], input[type=email], input[type=number], input[type=date], select, textarea { width: 100%; max-width: 30rem; padding: .5rem; font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--muted); border-radius: 4px; }
.hint { color: var(--muted); margin: .25rem 0; font-size: .9rem; }
.error { color: var(--error); margin: .25rem 0; font-weight: 600; }
.invalid input, .invalid select { border-color: var(--error); border-width: 2px; }
.req { color: var(--error); }
button { font: inherit; padding: .5rem 1rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: var(--accent); }
button.link { background: none; border: none; color: var(--accent); text-decoration: underline; padding: 0; }
button.danger { background: var(--error); border-color: var(--error); }
button.exit { background: #fff; color: #7a1f00; border-color: #fff; }
form.inline { display: inline; }
.errors { border: 2px solid var(--error); padding: .5rem 1rem; margin: 1rem 0; }
.errors h2 { font-size: 1.1rem; margin: .25rem 0; }
.notice { padding: .5rem 1rem; border-left: 4px solid var(--accent); }
.notice.success { border-color: var(--ok); }
.notice.warning { border-color: var(--error); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.languages li span { font-weight: 700; }
fieldset { border: 1px solid var(--line); border-radius: 4px; margin: 1rem 0; }
`;
