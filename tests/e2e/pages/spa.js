// A single-page app: the privacy policy arrives a moment after load, as a client-side route.
setTimeout(() => {
  history.pushState({}, '', '/spa/privacy');
  const app = document.getElementById('app');
  app.innerHTML = '';
  const add = (tag, text) => { const e = document.createElement(tag); e.textContent = text; app.append(e); };
  add('h1', 'Orbit Planner Privacy Policy');
  add('p', 'This privacy policy explains what personal information Orbit Planner collects and who receives it.');
  add('h2', 'Sharing');
  add('p', 'We share your personal information with service providers who host our servers on our behalf.');
  add('h2', 'Do Not Track');
  add('p', 'We do not respond to Do Not Track signals.');
  add('h2', 'Children');
  add('p', 'You must be at least 13 years old to use Orbit Planner.');
  add('h2', 'Contact');
  add('p', 'Write to privacy@orbit-planner.example with questions about this policy.');
}, 400);
