// Posts the deep linking response back to the learning platform as soon as the page loads;
// the form's button does the same without JavaScript.
document.getElementById("lti-return").submit();
