// Static assets the Worker serves itself (no CDN, no build): the stylesheet and a tiny chart script that
// draws an SVG bar chart above any <table data-chart>; the table stays as the no-JavaScript fallback.

export const APP_CSS = `
:root{--bg:#f6f7f9;--card:#fff;--ink:#1c2330;--muted:#5d6778;--line:#e2e6ec;--accent:#2f5bea;--accent-soft:#e8eefe;
--open:#d9480f;--resolved:#2b8a3e;--warn:#e67700;--crit:#c92a2a;--info:#1971c2;--radius:8px;--gap:16px}
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;background:var(--bg);color:var(--ink);font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.45}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.topbar{display:flex;align-items:center;gap:24px;padding:0 24px;height:52px;background:#18202e;color:#fff}
.topbar .brand{color:#fff;font-weight:650;letter-spacing:.2px}
.topbar nav{display:flex;gap:4px}
.topbar nav a{color:#c5cddb;padding:6px 10px;border-radius:6px}
.topbar nav a.active,.topbar nav a:hover{background:#2a3447;color:#fff;text-decoration:none}
.signout{margin-left:auto;display:flex;align-items:center;gap:12px;color:#c5cddb;font-size:.9rem}
.link-button{background:none;border:1px solid #3b475e;color:#fff;border-radius:6px;padding:4px 10px;cursor:pointer;font:inherit}
main{max-width:1240px;margin:0 auto;padding:24px}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.1rem;margin:0 0 12px}
.sub{color:var(--muted);margin:0 0 20px}
.grid{display:grid;gap:var(--gap);grid-template-columns:repeat(auto-fit,minmax(320px,1fr));margin-bottom:var(--gap)}
.kpis{display:grid;gap:var(--gap);grid-template-columns:repeat(auto-fit,minmax(180px,1fr));margin-bottom:var(--gap)}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:16px 18px}
.kpi .label{color:var(--muted);font-size:.85rem}.kpi .value{font-size:1.7rem;font-weight:650;margin-top:2px}
.kpi .hint{color:var(--muted);font-size:.8rem}
table{width:100%;border-collapse:collapse;font-size:.92rem}
th,td{text-align:left;padding:7px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:.8rem;text-transform:uppercase;letter-spacing:.3px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:hover{background:#fafbfd}
.bar-cell{position:relative;min-width:110px}
.bar-cell .track{position:absolute;left:8px;right:52px;top:9px;height:16px}
.bar-cell .bar{display:block;height:100%;background:#dbe4fd;border-radius:3px}
.bar-cell .bar-label{position:relative}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:.78rem;font-weight:600;border:1px solid transparent;white-space:nowrap}
.badge-open{background:#fff4e6;color:var(--open)}.badge-resolved{background:#ebfbee;color:var(--resolved)}
.badge-critical{background:#fff5f5;color:var(--crit)}.badge-warning{background:#fff9db;color:var(--warn)}.badge-info{background:#e7f5ff;color:var(--info)}
.badge-audit{background:#f1f3f5;color:#495057}.badge-warn{background:#fff4e6;color:#a34700}.badge-enforce{background:#f3f0ff;color:#5f3dc4}
.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-end;margin-bottom:var(--gap)}
.filters label{display:flex;flex-direction:column;font-size:.78rem;color:var(--muted);gap:3px}
.filters input,.filters select{font:inherit;font-size:.9rem;padding:5px 8px;border:1px solid #cfd5de;border-radius:6px;background:#fff;min-width:120px}
button.primary,a.button{font:inherit;background:var(--accent);color:#fff;border:0;border-radius:6px;padding:7px 14px;cursor:pointer;display:inline-block}
a.button.secondary{background:#fff;color:var(--ink);border:1px solid #cfd5de}
.empty{padding:28px;text-align:center;color:var(--muted)}.empty strong{display:block;color:var(--ink);margin-bottom:4px}
.pager{display:flex;justify-content:space-between;align-items:center;margin-top:12px;color:var(--muted)}
.trace{list-style:none;padding:0;margin:0}
.trace li{display:flex;gap:10px;padding:8px 0;border-bottom:1px solid var(--line)}
.trace .mark{font-weight:700;width:18px}.trace .pass{color:var(--resolved)}.trace .fail{color:var(--crit)}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
pre{background:#f8f9fb;border:1px solid var(--line);border-radius:6px;padding:10px;overflow:auto;max-height:320px}
.version{border-top:1px solid var(--line);padding-top:10px;margin-top:10px}.version h3{font-size:.95rem;margin:0 0 4px}
.diff-added{background:#ebfbee;color:#2b8a3e}.diff-removed{background:#fff5f5;color:#c92a2a}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:6px 18px;margin:0}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
.login{max-width:420px;margin:64px auto}.login input{width:100%;font:inherit;padding:8px 10px;border:1px solid #cfd5de;border-radius:6px;margin:8px 0 14px}
.alert{background:#fff5f5;border:1px solid #ffc9c9;color:#a61e4d;border-radius:6px;padding:10px 12px;margin-bottom:14px}
figure.chart{margin:0 0 8px}figure.chart svg{width:100%;height:auto;display:block}
.legend{display:flex;gap:14px;font-size:.8rem;color:var(--muted);margin-top:4px}.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
details.chart-data summary{cursor:pointer;color:var(--muted);font-size:.82rem;margin:4px 0}
.muted{color:var(--muted)}.nowrap{white-space:nowrap}
.spark{display:inline-flex;align-items:flex-end;gap:2px;height:22px;min-width:60px;vertical-align:middle}
.spark i{display:block;width:5px;background:#9fb3f5;border-radius:1px}.spark i.partial{background:repeating-linear-gradient(45deg,#9fb3f5 0 2px,#e8eefe 2px 4px)}
tr.noted td{color:var(--muted);font-style:italic}
details.tech{margin-top:10px}details.tech summary{cursor:pointer;color:var(--muted);font-size:.82rem}
.scroll{overflow-x:auto;max-width:100%}
.legend .partial-note{font-style:italic}
@media (max-width:480px){.topbar{height:auto;flex-wrap:wrap;padding:8px 12px;gap:6px}.topbar nav{flex-wrap:wrap}.signout{margin-left:0}
.filters label{flex:1 1 140px}.filters input,.filters select{min-width:0;width:100%}h1{font-size:1.35rem}.card{padding:12px}
dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:6px}}
@media (max-width:720px){main{padding:14px}.topbar{gap:10px;padding:0 12px}.who{display:none}}
`;

export const CHART_JS = `
(function(){
  "use strict";
  var COLORS=["#d9480f","#2b8a3e","#2f5bea","#e67700"];
  var NS="http://www.w3.org/2000/svg";
  function el(name,attrs){var e=document.createElementNS(NS,name);for(var k in attrs)e.setAttribute(k,attrs[k]);return e;}
  // Round axis ticks: a step of 1, 2 or 5 times a power of ten (whole numbers: these are counts), top = a multiple.
  function niceScale(max){
    if(max<=0)return {top:4,step:1};
    var raw=max/4,p=Math.pow(10,Math.floor(Math.log(raw)/Math.LN10)),f=raw/p;
    var step=Math.max(1,(f<=1?1:f<=2?2:f<=5?5:10)*p);
    return {top:Math.ceil(max/step)*step,step:step};
  }
  function draw(table,index){
    var heads=[].slice.call(table.querySelectorAll("thead th")).map(function(th){return th.textContent.trim();});
    var rows=[].slice.call(table.querySelectorAll("tbody tr")).map(function(tr){
      var cells=tr.querySelectorAll("td,th");
      var vals=[];for(var i=1;i<cells.length;i++){var v=parseFloat((cells[i].getAttribute("data-value")||cells[i].textContent).replace(/[^0-9.\\-]/g,""));vals.push(isNaN(v)?0:v);}
      return {label:cells[0].textContent.trim().replace(/ \\(in progress\\)$/,""),values:vals,note:tr.getAttribute("data-note")};
    });
    if(!rows.length)return;
    var series=(table.getAttribute("data-series")||"").split(",").map(Number).filter(function(n){return n>0;});
    if(!series.length)series=[1];
    var W=720,H=210,pad={l:44,r:8,t:12,b:28};
    var max=0;rows.forEach(function(r){var s=0;series.forEach(function(c){s+=r.values[c-1]||0;});if(s>max)max=s;});
    var scale=niceScale(max);
    var svg=el("svg",{viewBox:"0 0 "+W+" "+H,role:"img","aria-label":(table.getAttribute("data-chart-title")||"chart")+" (the numbers are in the table below)"});
    var defs=el("defs",{}),pat=el("pattern",{id:"hatch"+index,width:"6",height:"6",patternUnits:"userSpaceOnUse",patternTransform:"rotate(45)"});
    pat.appendChild(el("rect",{width:"6",height:"6",fill:"#fff"}));pat.appendChild(el("rect",{width:"3",height:"6",fill:"#9aa5b8"}));defs.appendChild(pat);
    var iw=W-pad.l-pad.r,ih=H-pad.t-pad.b,bw=iw/rows.length;
    for(var v=0;v<=scale.top;v+=scale.step){var y=pad.t+ih-ih*v/scale.top;svg.appendChild(el("line",{x1:pad.l,x2:W-pad.r,y1:y,y2:y,stroke:"#e2e6ec"}));
      var t=el("text",{x:pad.l-6,y:y+4,"text-anchor":"end","font-size":"11",fill:"#5d6778"});t.textContent=v.toLocaleString("en-US");svg.appendChild(t);}
    var partial=false;
    rows.forEach(function(r,i){
      var y0=pad.t+ih,x=pad.l+i*bw+bw*0.15;
      series.forEach(function(c,si){
        var v=r.values[c-1]||0,h=ih*v/scale.top;
        if(v<=0)return;
        var rect=el("rect",{x:x,y:y0-h,width:bw*0.7,height:h,fill:COLORS[si%COLORS.length],rx:2,"fill-opacity":r.note?"0.45":"1"});
        var tip=el("title",{});tip.textContent=r.label+(r.note?" ("+r.note+")":"")+" — "+heads[c]+": "+v;rect.appendChild(tip);svg.appendChild(rect);y0-=h;
      });
      if(r.note){partial=true;svg.appendChild(el("rect",{x:x,y:pad.t,width:bw*0.7,height:ih,fill:"url(#hatch"+index+")","fill-opacity":"0.25",stroke:"#9aa5b8","stroke-dasharray":"3 2"}));}
      if(rows.length<=16||i%Math.ceil(rows.length/12)===0||r.note){var lt=el("text",{x:pad.l+i*bw+bw/2,y:H-10,"text-anchor":"middle","font-size":"11",fill:"#5d6778"});lt.textContent=r.label+(r.note?"*":"");svg.appendChild(lt);}
    });
    svg.appendChild(defs);
    var fig=document.createElement("figure");fig.className="chart";fig.appendChild(svg);
    var legend=document.createElement("div");legend.className="legend";
    series.forEach(function(c,si){var s=document.createElement("span");var i=document.createElement("i");i.style.background=COLORS[si%COLORS.length];s.appendChild(i);s.appendChild(document.createTextNode(heads[c]||""));legend.appendChild(s);});
    if(partial){var p=document.createElement("span");p.className="partial-note";p.textContent="* this week, still in progress";legend.appendChild(p);}
    fig.appendChild(legend);
    var details=document.createElement("details");details.className="chart-data";var sum=document.createElement("summary");sum.textContent="Show the numbers as a table";
    table.parentNode.insertBefore(fig,table);table.parentNode.insertBefore(details,table);details.appendChild(sum);details.appendChild(table);
  }
  function init(){[].slice.call(document.querySelectorAll("table[data-chart]")).forEach(draw);}
  if(document.readyState==="loading")document.addEventListener("DOMContentLoaded",init);else init();
})();
`;
