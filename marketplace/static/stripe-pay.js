// The card payment page: Stripe's Payment Element confirms the PaymentIntent in the browser.
// The marketplace learns of the payment from Stripe's signed webhook, not from this page.
(function () {
  "use strict";
  var form = document.getElementById("stripe-payment");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.key, { locale: form.dataset.locale });
  var elements = stripe.elements({ clientSecret: form.dataset.secret });
  elements.create("payment").mount("#payment-element");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.return } })
      .then(function (result) {
        if (result.error) { document.getElementById("payment-message").textContent = result.error.message; }
      });
  });
})();
