var SC = JSON.parse(document.getElementById("sc-data").textContent);
(function () {
  "use strict";
  var S = SC.s;  // every string already passed through html.escape
  var card = document.getElementById("mynetwork").parentNode;
  var tip = document.getElementById("sc-tip");
  var details = document.getElementById("sc-details");
  var detailsBody = document.getElementById("sc-details-body");

  function evidence(c, off) {  // [caption,] date, report, stance, quote
    var head = [S[c[off]], S[c[off + 1]]];
    if (off === 1 && c[0] >= 0) head.push(S[c[0]]);
    if (c[off + 2] >= 0) head.push(SC.stance[c[off + 2]]);
    return '<div class="sc-ev"><div class="sc-ev-src">' + head.join(" · ") + '</div><div class="sc-ev-q">“' + S[c[off + 3]] + "”</div></div>";
  }
  function timeline(rows, earlier) {  // the stance history, oldest first: [date, drivers, report, stance, quote]
    var h = '<div class="sc-tl"><div class="sc-tl-h">Stance history, oldest first</div>';
    if (earlier > 0) h += '<div class="sc-more">+' + Number(earlier) + " more, earlier: supplychain history</div>";
    h += "<ol>";
    rows.forEach(function (t) {
      h += '<li><span class="sc-tl-d">' + S[t[0]] + "</span> " + (t[3] >= 0 ? '<b class="sc-tl-s">' + SC.mark[t[3]] + SC.stance[t[3]] + "</b> " : "") +
        '<span class="sc-tl-src">' + S[t[1]] + " · " + S[t[2]] + '</span><div class="sc-tl-q">“' + S[t[4]] + "”</div></li>";
    });
    return h + "</ol></div>";
  }
  function nodeTip(id) {
    var r = SC.n[id], h = '<div class="sc-t-h">' + S[r[0]] + '</div><div class="sc-t-s">' + S[r[1]] + "</div>";
    if (r[2].length) {
      h += '<table class="sc-kv">';
      for (var i = 0; i < r[2].length; i += 2) h += "<tr><th>" + S[r[2][i]] + "</th><td>" + S[r[2][i + 1]] + "</td></tr>";
      h += "</table>";
    }
    r[3].forEach(function (c) { h += evidence(c, 1); });
    if (r[4] > 0) h += '<div class="sc-more">+' + Number(r[4]) + " more edges: point at them for their evidence</div>";
    if (r.length > 5) h += timeline(r[5], r[6]);
    return h;
  }
  function edgeTip(id) {
    var r = SC.e[id], e = edges.get(id), n = r.length - 2;
    var h = '<div class="sc-t-h">' + S[SC.nameS[e.from]] + (SC.directed[r[0]] ? " → " : " ↔ ") + S[SC.nameS[e.to]] + "</div>";
    h += '<div class="sc-t-s">' + SC.etype[r[0]] + " · " + n + (n === 1 ? " claim" : " claims") + "</div>";
    if (r[1] >= 0) h += '<table class="sc-kv"><tr><th>stance</th><td>' + SC.stance[r[1]] + "</td></tr></table>";
    for (var i = 2; i < r.length; i++) h += evidence(r[i], 0);
    return h;
  }

  function showTip(html, pointer) {
    tip.innerHTML = html;
    tip.hidden = false;
    var w = card.clientWidth, h = card.clientHeight;
    var left = pointer.DOM.x + 14, top = pointer.DOM.y + 14;
    if (left + tip.offsetWidth > w) left = Math.max(0, pointer.DOM.x - tip.offsetWidth - 14);
    if (top + tip.offsetHeight > h) top = Math.max(0, pointer.DOM.y - tip.offsetHeight - 14);
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }
  function hideTip() { tip.hidden = true; }
  function showDetails(html) { detailsBody.innerHTML = html; details.hidden = false; }
  network.on("hoverNode", function (p) { showTip(nodeTip(p.node), p.pointer); });
  network.on("hoverEdge", function (p) { showTip(edgeTip(p.edge), p.pointer); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);
  network.on("click", function (p) {
    if (p.nodes.length) showDetails(nodeTip(p.nodes[0]));
    else if (p.edges.length) showDetails(edgeTip(p.edges[0]));
    else details.hidden = true;
  });
  document.getElementById("sc-close").addEventListener("click", function () { details.hidden = true; });

  // Filters by node type and stance: hidden nodes take their edges with them.
  var all = nodes.get({ fields: ["id", "type", "st", "bs"] });
  function ticked(group) {
    var on = {};
    document.querySelectorAll("#" + group + " input").forEach(function (b) { on[b.value] = b.checked; });
    return on;
  }
  function applyFilters() {
    var types = ticked("sc-types"), stances = ticked("sc-stances"), basis = ticked("sc-basis"), changes = [];
    all.forEach(function (n) {
      var hide = types[n.type] === false || (n.st !== undefined && stances[n.st] === false) || (n.bs !== undefined && basis[n.bs] === false);
      if (hide !== (n.hidden === true)) { n.hidden = hide; changes.push({ id: n.id, hidden: hide }); }
    });
    if (changes.length) nodes.update(changes);
  }
  document.querySelectorAll("#sc-types input, #sc-stances input, #sc-basis input").forEach(function (b) {
    b.addEventListener("change", applyFilters);
  });

  // Search by name, English name, ticker, alias or id (normalised like the CLI does).
  var box = document.getElementById("sc-q"), hits = document.getElementById("sc-hits");
  var keys = SC.q.map(function (q) { return q.split("\n"); });
  function norm(s) { return s.normalize("NFKC").toLowerCase().replace(/\s+/g, ""); }
  function find(text) {
    var q = norm(text), found = [];
    if (!q) return found;
    for (var i = 0; i < keys.length; i++) {
      var best = 3;
      for (var k = 0; k < keys[i].length && best > 0; k++) {
        var at = keys[i][k].indexOf(q);
        if (at === 0) best = Math.min(best, keys[i][k].length === q.length ? 0 : 1);
        else if (at > 0) best = Math.min(best, 2);
      }
      if (best < 3) found.push([best, i]);
    }
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    return found.slice(0, 12).map(function (f) { return all[f[1]]; });
  }
  function jump(n) {
    if (n.hidden) {
      document.querySelectorAll('#sc-types input[value="' + n.type + '"], #sc-stances input[value="' + n.st + '"], #sc-basis input[value="' + n.bs + '"]')
        .forEach(function (b) { b.checked = true; });
      applyFilters();
    }
    hits.hidden = true;
    box.value = SC.name[n.id];
    network.selectNodes([n.id]);
    network.focus(n.id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    showDetails(nodeTip(n.id));
  }
  function listHits() {
    var found = find(box.value);
    hits.textContent = "";
    found.forEach(function (n, i) {
      var li = document.createElement("li"), sub = document.createElement("span");
      li.setAttribute("role", "option");
      li.textContent = SC.name[n.id];
      sub.className = "sc-sub";
      sub.textContent = SC.sub[n.id] ? SC.sub[n.id] + " · " + n.type : n.type;
      li.appendChild(sub);
      if (i === 0) li.className = "sc-on";
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); jump(n); });
      hits.appendChild(li);
    });
    hits.hidden = found.length === 0;
  }
  box.addEventListener("input", listHits);
  box.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var found = find(box.value); if (found.length) jump(found[0]); }
    else if (ev.key === "Escape") { hits.hidden = true; }
  });
  box.addEventListener("blur", function () { hits.hidden = true; });

  // Fit the drawing to the window until the reader zooms or drags.
  var moved = false;
  network.on("dragEnd", function () { moved = true; });
  network.on("zoom", function () { moved = true; });
  window.addEventListener("resize", function () { if (!moved) network.fit({ animation: false }); });
  network.once("afterDrawing", function () {
    window.scDrawnAt = performance.now();
    // labels are measured on the first drawing: fit again to centre them (cheap when small)
    if (all.length <= 3000) network.fit({ animation: false });
  });
  network.fit({ animation: false });
  window.scReady = true;
  window.scNodeTip = nodeTip;
  window.scEdgeTip = edgeTip;
})();
