// Dashboard glue that the Content-Security-Policy allows (no inline scripts):
// the CSRF token on sqladmin's JavaScript requests (delete), and sqladmin's flash toasts.
(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute('content') : '';
  if (window.jQuery && token) {
    window.jQuery.ajaxSetup({ headers: { 'X-CSRF-Token': token } });
  }
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('form').forEach(function (form) {
      if ((form.getAttribute('method') || '').toUpperCase() === 'POST' && token && !form.querySelector('input[name="csrf_token"]')) {
        var input = document.createElement('input');
        input.type = 'hidden';
        input.name = 'csrf_token';
        input.value = token;
        form.appendChild(input);
      }
    });
    if (window.tabler && window.tabler.bootstrap) {
      document.querySelectorAll('.toast').forEach(function (el) {
        new window.tabler.bootstrap.Toast(el, { delay: 3000 }).show();
      });
    }
  });
})();
