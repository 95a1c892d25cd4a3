/* mognad: the participant page's enhancement.
 *
 * The page works without this file: every question is a plain form that posts and comes back.
 * With it, answers go to the JSON API without leaving the page, free text shows a live length
 * counter, dot voting gets + and - buttons and a "dots left" line, and the page follows the
 * facilitator through server-sent events, fetching its own view again whenever something
 * changed and after every reconnect (Wi-Fi drop, server restart). No inline script: the
 * Content-Security-Policy allows only files from this server.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.add("js");
  var body = document.body;
  var msgs = {};
  try {
    msgs = JSON.parse(body.getAttribute("data-msgs") || "{}");
  } catch (e) {
    msgs = {};
  }
  var eventsUrl = body.getAttribute("data-events");
  var answersUrl = body.getAttribute("data-answers");
  var announcer = document.getElementById("announce");

  function $(selector, scope) {
    return (scope || document).querySelector(selector);
  }

  function $$(selector, scope) {
    return Array.prototype.slice.call((scope || document).querySelectorAll(selector));
  }

  function fmt(text, fields) {
    return String(text || "").replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : match;
    });
  }

  function announce(text) {
    if (!announcer || !text) {
      return;
    }
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = text;
    }, 60);
  }

  function setSaved(element, text, stale) {
    element.textContent = "";
    if (!text) {
      return;
    }
    if (!stale) {
      var mark = document.createElement("span");
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = "\u2713 ";
      element.appendChild(mark);
    }
    element.appendChild(document.createTextNode(text));
    element.classList.toggle("is-stale", !!stale);
  }

  // ------------------------------------------------------------ values of a question block

  function valueOf(block) {
    var kind = block.getAttribute("data-kind");
    if (kind === "scale" || kind === "single") {
      var checked = $("input:checked", block);
      return checked ? JSON.parse(checked.getAttribute("data-json")) : undefined;
    }
    if (kind === "multiple") {
      return $$("input:checked", block).map(function (input) {
        return JSON.parse(input.getAttribute("data-json"));
      });
    }
    if (kind === "dots") {
      var spent = {};
      var any = false;
      $$("input.dot-input", block).forEach(function (input) {
        var raw = input.value.trim();
        if (!raw) {
          return;
        }
        var n = Number(raw);
        if (n !== 0) {
          spent[input.getAttribute("data-option")] = Number.isInteger(n) ? n : raw;
          any = true;
        }
      });
      return any ? spent : undefined;
    }
    if (kind === "text") {
      var area = $("textarea", block);
      return area && area.value.trim() ? area.value : undefined;
    }
    return undefined;
  }

  // ------------------------------------------------------------ answering

  function post(question, value) {
    return fetch(answersUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ question: question, value: value })
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          if (!response.ok || !data.ok) {
            var error = new Error(data.message || msgs.offline);
            error.code = data.error || "";
            throw error;
          }
          return data;
        });
    });
  }

  /** One answer after the other ([question, value] pairs), so a companion follows its item. */
  function postAll(jobs) {
    return jobs.reduce(function (previous, job) {
      return previous.then(function () {
        return post(job[0], job[1]);
      });
    }, Promise.resolve());
  }

  function enhanceForm(form) {
    var button = $("[data-role=submit]", form);
    var saved = $("[data-role=saved]", form);
    var errorBox = $("[data-role=error]", form);
    var busy = false;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) {
        return;
      }
      var submitter = event.submitter;
      if (submitter && submitter.name === "go") {
        // The pager: save what was chosen and not sent yet, then go.
        leave(form, submitter.getAttribute("data-url"), true);
        return;
      }
      var jobs = [];
      var blocks = $$(".q", form);
      for (var i = 0; i < blocks.length; i += 1) {
        var block = blocks[i];
        var value = valueOf(block);
        var advance = form.getAttribute("data-advance") === "1";
        if (value === undefined) {
          if (i === 0 && advance && block.getAttribute("data-kind") === "text") {
            // Walking on past a free text left empty is fine: there is nothing to save.
            window.location.assign(form.getAttribute("data-skip-url"));
            return;
          }
          if (!block.hasAttribute("data-optional")) {
            errorBox.textContent = msgs.no_choice || "";
            var first = $("input, textarea", block);
            if (first) {
              first.focus();
            }
            return;
          }
          continue;
        }
        jobs.push([block.getAttribute("data-qid"), value]);
      }
      busy = true;
      var label = button.textContent;
      button.setAttribute("aria-disabled", "true");
      button.textContent = msgs.sending || label;
      errorBox.textContent = "";
      postAll(jobs)
        .then(function () {
          form.removeAttribute("data-dirty");
          if (form.getAttribute("data-advance") === "1") {
            window.location.assign(form.getAttribute("data-next-url"));
            return;
          }
          setSaved(saved, msgs.saved, false);
        })
        .catch(function (error) {
          // A TypeError is fetch's "no network"; anything else carries the server's sentence.
          errorBox.textContent = error instanceof TypeError ? msgs.offline : error.message;
        })
        .then(function () {
          busy = false;
          button.removeAttribute("aria-disabled");
          button.textContent = label;
        });
    });

    form.addEventListener("input", function () {
      form.setAttribute("data-dirty", "1");
      errorBox.textContent = "";
      if (saved.textContent && !saved.classList.contains("is-stale")) {
        setSaved(saved, msgs.changed, true);
      }
    });
  }

  // ------------------------------------------------------------ leaving with an unsent choice

  /** The [question, value] pairs chosen in `form`; what is not chosen is left out. */
  function unsent(form) {
    return $$(".q", form)
      .map(function (block) {
        return [block.getAttribute("data-qid"), valueOf(block)];
      })
      .filter(function (job) {
        return job[1] !== undefined;
      });
  }

  /* Leave the page for `url` (the pager, the language links), first saving a choice made here
   * but not sent; `flash`: the next page says it was saved. What is not chosen is simply not
   * sent; a choice that cannot be saved keeps the person here with the reason, so nothing is
   * dropped without a word. */
  function leave(form, url, flash) {
    if (!form || !form.hasAttribute("data-dirty")) {
      window.location.assign(url);
      return;
    }
    var errorBox = $("[data-role=error]", form);
    var jobs = unsent(form);
    postAll(jobs)
      .then(function () {
        form.removeAttribute("data-dirty");
        var target = new URL(url, window.location.href);
        if (flash && jobs.length) {
          target.searchParams.set("saved", $(".q", form).getAttribute("data-qid"));
        }
        window.location.assign(target.pathname + target.search);
      })
      .catch(function (error) {
        errorBox.textContent = error instanceof TypeError ? msgs.offline : error.message;
      });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".langs a");
    var form = $("form.answer[data-dirty]");
    if (link && form) {
      event.preventDefault();
      leave(form, link.getAttribute("href"), false);
    }
  });

  // Any other way out (the browser's back button, a typed address) asks first.
  window.addEventListener("beforeunload", function (event) {
    if ($("form.answer[data-dirty]")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  function enhanceText(block) {
    var area = $("textarea", block);
    var counter = $("[data-role=counter]", block);
    if (!area || !counter) {
      return;
    }
    var max = counter.getAttribute("data-max");
    function update() {
      counter.textContent = fmt(msgs.text_counter, { n: area.value.length, max: max });
    }
    area.addEventListener("input", update);
    update();
  }

  function enhanceDots(block) {
    var total = parseInt(block.getAttribute("data-dots"), 10) || 0;
    var left = $("[data-role=dots-left]", block);
    var inputs = $$("input.dot-input", block);

    function spent() {
      return inputs.reduce(function (sum, input) {
        var n = parseInt(input.value, 10);
        return sum + (n > 0 ? n : 0);
      }, 0);
    }

    function update() {
      var rest = total - spent();
      left.textContent = fmt(msgs.dots_left, { n: Math.max(rest, 0), total: total });
      $$(".stepper", block).forEach(function (stepper) {
        var input = $("input", stepper);
        var n = parseInt(input.value, 10) || 0;
        $$("button", stepper).forEach(function (button) {
          var up = button.getAttribute("data-step") === "1";
          var off = up ? rest <= 0 : n <= 0;
          button.setAttribute("aria-disabled", off ? "true" : "false");
        });
      });
    }

    $$(".stepper", block).forEach(function (stepper) {
      var input = $("input", stepper);
      $$("button", stepper).forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          if (button.getAttribute("aria-disabled") === "true") {
            return;
          }
          var n = (parseInt(input.value, 10) || 0) + parseInt(button.getAttribute("data-step"), 10);
          input.value = String(Math.max(0, n));
          input.dispatchEvent(new Event("input", { bubbles: true }));
        });
      });
    });
    block.addEventListener("input", update);
    update();
  }

  function enhance(scope) {
    $$("form.answer", scope).forEach(enhanceForm);
    $$(".q-text", scope).forEach(enhanceText);
    $$(".q-dots", scope).forEach(enhanceDots);
  }

  // ------------------------------------------------------------ following the facilitator

  function controls(view) {
    return $$("input:not([type=hidden]), textarea", view);
  }

  function collect(view) {
    return controls(view).map(function (el) {
      return [el.name, el.value, el.type === "radio" || el.type === "checkbox" ? el.checked : null];
    });
  }

  function restore(view, kept) {
    controls(view).forEach(function (el) {
      kept.forEach(function (entry) {
        if (entry[0] !== el.name) {
          return;
        }
        if (entry[2] === null) {
          el.value = entry[1];
        } else if (entry[1] === el.value) {
          el.checked = entry[2];
        }
      });
    });
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var next = doc.getElementById("view");
    var current = document.getElementById("view");
    if (!next || !current || next.getAttribute("data-key") === current.getAttribute("data-key")) {
      return;
    }
    var question = next.getAttribute("data-question");
    var same = !!question && question === current.getAttribute("data-question");
    var kept = same ? collect(current) : null;
    var left = $("form.answer[data-dirty]", current);
    var dirty = same && !!left;
    var leftJobs = !same && left ? unsent(left) : [];
    var hadFocus = current.contains(document.activeElement);
    next = document.importNode(next, true);
    current.replaceWith(next);
    if (kept) {
      restore(next, kept);
    }
    enhance(next);
    var form = dirty && $("form.answer", next);
    if (form) {
      // Still not sent: the pager and the language links must save it on the way out.
      form.setAttribute("data-dirty", "1");
      var note = $("[data-role=saved]", form);
      if (note.textContent) {
        setSaved(note, msgs.changed, true);
      }
    }
    if (leftJobs.length) {
      // The facilitator moved on while a choice here was not sent: send it now (it counts
      // while its question is still open), and say either way what became of it.
      var note = document.createElement("p");
      note.className = "notice";
      note.setAttribute("role", "status");
      next.insertBefore(note, next.firstChild);
      postAll(leftJobs)
        .then(function () {
          note.classList.add("notice-ok");
          note.textContent = msgs.left_saved;
        })
        .catch(function (error) {
          note.classList.add("notice-error");
          note.textContent = fmt(msgs.left_unsaved, {
            reason: error instanceof TypeError ? msgs.offline : error.message
          });
        });
    }
    document.title = next.getAttribute("data-title") || document.title;
    if (!same) {
      announce(next.getAttribute("data-kind") === "question" ? msgs.new_question : msgs.page_updated);
      if (hadFocus) {
        var heading = $("h1", next);
        if (heading) {
          heading.setAttribute("tabindex", "-1");
          heading.focus();
        }
      }
    }
  }

  var timer = null;
  var fetching = false;
  var pending = false;

  function refresh() {
    // A random pause spreads a whole room's refetches over most of a second when the
    // facilitator opens a question, so a big room does not hit the server (and the projected
    // screen that shares its loop) in one burst.
    window.clearTimeout(timer);
    timer = window.setTimeout(load, 150 + Math.floor(Math.random() * 700));
  }

  function load() {
    if (fetching) {
      pending = true;
      return;
    }
    fetching = true;
    fetch(window.location.href, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "X-Mognad-Fragment": "1" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(swap)
      .catch(function () {
        /* offline for now: the next event or reconnect tries again */
      })
      .then(function () {
        fetching = false;
        if (pending) {
          pending = false;
          refresh();
        }
      });
  }

  var source = null;
  var retry = null;

  function connect() {
    if (!eventsUrl || !window.EventSource) {
      return;
    }
    source = new EventSource(eventsUrl);
    source.addEventListener("update", refresh);
    // On every (re)connection look again: whatever changed while the stream was not there
    // (before it first connected, while the Wi-Fi was gone) is not replayed.
    source.addEventListener("open", refresh);
    source.addEventListener("error", function () {
      // CONNECTING: the browser retries by itself. CLOSED (the server answered but refused):
      // try again a little later, for a server that is restarting.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        window.clearTimeout(retry);
        retry = window.setTimeout(connect, 5000);
      }
    });
  }

  // A one-off note (?saved=, ?error=) belongs to this visit only: drop it from the address so
  // that reloading or following the meeting does not show it again.
  if (window.history && window.history.replaceState && /[?&](saved|error)=/.test(location.search)) {
    var params = new URLSearchParams(location.search);
    params.delete("saved");
    params.delete("error");
    var query = params.toString();
    window.history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  enhance(document);
  connect();
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      refresh();
    }
  });
  window.addEventListener("online", refresh);
})();
