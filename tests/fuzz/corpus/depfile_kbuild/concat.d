a.dtb.dts.tmp: a.dts b.dtsi
a.dtb: a.dts.tmp c.dtsi
