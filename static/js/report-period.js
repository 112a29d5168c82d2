// The report's period form (templates/reports/index.html): show only the fields of the kind of
// period chosen (month, term, school year or own dates). Without JavaScript the server shows
// the chosen kind's fields after "Velden … tonen", and every field has a default.
const form = document.querySelector("[data-report-period]");
if (form) {
  const kinds = form.querySelectorAll('input[name="soort"]');
  const groups = form.querySelectorAll("[data-period-kinds]");
  const step = form.querySelector(".report-kind-step");
  if (step) step.hidden = true;
  const show = () => {
    const chosen = form.querySelector('input[name="soort"]:checked');
    const kind = chosen ? chosen.value : "maand";
    groups.forEach((group) => {
      group.hidden = !group.dataset.periodKinds.split(" ").includes(kind);
    });
  };
  kinds.forEach((radio) => radio.addEventListener("change", show));
  show();
}
