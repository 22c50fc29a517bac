"""Inequalities (placeholder until its issue lands)."""
import streamlit as st

st.title("Inequalities")
st.info("This page is being built.")
