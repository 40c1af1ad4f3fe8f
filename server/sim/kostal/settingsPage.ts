/**
 * The classic web server's settings page `/Solar2.fhtml` (kostal-piko.md §2.1: serial number,
 * model, network, portal), in the style of `/index.fhtml`: the header table with the model,
 * then, inside a never-closed `<font>`, a rule table and the settings table whose second row
 * holds the serial number in its third cell (where KostalPyko's XPath
 * `/html/body/form/font/table/tr[2]/td[3]` finds it).
 */
export interface SettingsPageValues {
  model: string;
  name: string;
  serial: string;
  language: 'en' | 'de' | 'nl';
}

const LABELS = {
  en: { title: 'settings', serial: 'serial number', article: 'article number', name: 'inverter name', address: 'RS485 address' },
  de: { title: 'Einstellungen', serial: 'Seriennummer', article: 'Art.-Nr.', name: 'Wechselrichtername', address: 'RS485 Adresse' },
  nl: { title: 'instellingen', serial: 'serienummer', article: 'artikelnummer', name: 'naam omvormer', address: 'RS485 adres' },
};

export function renderSettingsPage(v: SettingsPageValues): Buffer {
  const l = LABELS[v.language];
  const row = (label: string, value: string) =>
    `<tr>\r\n<td width="190"></td>\r\n<td width="200">\r\n  ${label}</td>\r\n<td width="200">\r\n  ${value}</td>\r\n</tr>\r\n`;
  const html = `<!DOCtype HTML PUBLIC "-//W3C//Dtd HTML 4.0 Transitional//EN">
<html>
<head>
<meta HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=ISO-8859-1">
<meta name="Generator" CONTENT="ChrisB">
<title>PV Webserver</title>
</head>
<body bgcolor="#EAF7F7" text="#000000" topmargin=0 leftmargin=0 marginwidth=0 marginheight=0>
<form method="post" action="">
<table cellspacing="0" cellpadding="0" width="770" nof="ly">
<tr><td height="5"></td></tr>
<tr><td width="190" height="55"></td>
<td width="400">
  <font face="Arial,Helvetica,Geneva,Sans-serif,sans-serif" size="+3">
  ${v.model}
<br><font size="+1">
  ${v.name} (255)
</font>
</font>
</td>
<td><img alt="Logo" height="42" width="130" src="KSE.gif"></td>
</tr>
</table>

<font face="Arial,Helvetica,Geneva,Sans-serif,sans-serif">
<table Border="0" width="100%"><tr>
<td width="150"></td>
<td> <hr> </td>
</tr></table>
<table cellspacing="0" cellpadding="0" width="770">
<tr><td width="190"></td><td colspan="2"><b>${l.title}</b>&nbsp</td></tr>
${row(l.serial, v.serial)}${row(l.article, '10166710')}${row(l.name, v.name)}${row(l.address, '255')}</table>
<font size="-1">
</form>
</body>
</html>
`;
  return Buffer.from(html, 'latin1');
}
