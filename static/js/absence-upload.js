// Absence upload with a progress bar: the file is sent with XMLHttpRequest so its upload
// progress can be shown; the server answers JSON (Accept header). Without JavaScript the form
// posts as usual. Texts come from data attributes, so they follow the page's language.
const form = document.querySelector("[data-upload-form]");

function showProblems(container, lines) {
  container.replaceChildren(...lines.map((line) => {
    const p = document.createElement("p");
    p.textContent = line;
    return p;
  }));
  container.hidden = lines.length === 0;
  if (lines.length) container.focus?.();
}

if (form && window.FormData && window.XMLHttpRequest) {
  const box = form.querySelector("[data-upload-progress]");
  const bar = box.querySelector("progress");
  const status = box.querySelector("[data-upload-status]");
  const submit = form.querySelector("[data-upload-submit]");
  const problems = document.querySelector("[data-upload-problems]");
  const text = form.dataset;

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action") || window.location.pathname);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (progress) => {
      if (!progress.lengthComputable) return;
      const percent = Math.round((progress.loaded / progress.total) * 100);
      bar.value = percent;
      status.textContent = `${text.textSending} ${percent}%`;
    });
    xhr.upload.addEventListener("load", () => {
      bar.removeAttribute("value"); // indeterminate while the server checks and stores
      status.textContent = text.textProcessing;
    });
    xhr.addEventListener("load", () => {
      const answer = xhr.response || {};
      if (xhr.status < 400 && answer.ok) {
        window.location.assign(answer.redirect || window.location.pathname);
        return;
      }
      box.hidden = true;
      submit.disabled = false;
      const lines = answer.problems && answer.problems.length ? answer.problems
        : [answer.message || text.textFailed];
      showProblems(problems, lines);
    });
    xhr.addEventListener("error", () => {
      box.hidden = true;
      submit.disabled = false;
      showProblems(problems, [text.textFailed]);
    });
    showProblems(problems, []);
    bar.value = 0;
    status.textContent = text.textSending;
    box.hidden = false;
    submit.disabled = true;
    xhr.send(new FormData(form));
  });
}
