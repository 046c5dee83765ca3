// A page script: proves pages with scripts still work; it must not see the badge's internals.
document.documentElement.dataset.pageScript = 'ran';
