window.pwned = 1;
